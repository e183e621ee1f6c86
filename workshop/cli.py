"""The ``workshop`` command: parses the command line, opens a session, starts the app or an export.

Errors a user can cause (an unknown id, a damaged file, a bad import, a folder that cannot be written) are printed
as one clear line on stderr with exit code 1; they never become tracebacks.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from facilitation import catalogue
from workshop import __version__, paths
from workshop.session import SessionError, WorkshopSession, list_workshops, load_workshop
from workshop.store import Store, StoreError

EXPORT_FORMATS = ("docx", "md", "csv", "json")
T = TypeVar("T")


@dataclass
class Context:
    data_dir_override: Path | None
    _store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(paths.data_dir(self.data_dir_override))
        return self._store


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors a user can cause into a clean message and exit code 1."""
    from exports.errors import ExportError, FormatError

    try:
        yield
    except (StoreError, SessionError, FormatError, ExportError) as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(
            f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")
        ) from None


def _guard(fn: Callable[..., T]) -> Callable[..., T]:
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with user_errors():
            return fn(*args, **kwargs)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding the workshop files (default: $WORKSHOP_DATA_DIR, else your user data folder).",
)
@click.version_option(__version__, prog_name="workshop")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """Run a Six Disciplines leadership workshop from the terminal.

    With no command, opens the app on the home screen listing your workshops.
    """
    ctx.obj = Context(data_dir)
    if ctx.invoked_subcommand not in APP_COMMANDS:
        gc.enable()
    if ctx.invoked_subcommand is None:
        with user_errors():
            _run_app(ctx.obj, None)


def _run_app(context: Context, workshop_id: str | None) -> None:
    from screens.app import run_app
    from workshop.session import WorkshopLibrary

    store = context.store
    if workshop_id is not None:
        workshop_id = store.resolve(workshop_id)
    run_app(WorkshopLibrary(store), workshop_id, exporter=_exporter())


def _exporter() -> Callable[..., list[Path]]:
    from exports import export_workshop

    return export_workshop


@cli.command()
@click.option(
    "--no-open", is_flag=True, help="Create the demo workshop and print its id without starting the app."
)
@click.pass_obj
@_guard
def demo(context: Context, no_open: bool) -> None:
    """Create a fresh sample workshop (notes, votes, a readiness check) and open it."""
    from workshop.demo import build_demo

    with build_demo(context.store) as session:
        workshop_id = session.workshop.id
    if no_open:
        click.echo(workshop_id)
        return
    _run_app(context, workshop_id)


def _split_names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


@cli.command()
@click.argument("title")
@click.option("--facilitator", default="", help="The facilitator's name.")
@click.option("--participants", default="", help='Comma-separated names, e.g. "Ana,Ben".')
@click.option("--organisation", "--organization", default="", help="The organisation the workshop is for.")
@click.option(
    "--template",
    default=catalogue.DEFAULT_TEMPLATE,
    show_default=True,
    help=f"Agenda template: {', '.join(catalogue.BUILTIN_TEMPLATES)}.",
)
@click.option("--date", "day", default=None, help="The workshop's date, YYYY-MM-DD (default: today).")
@click.pass_obj
@_guard
def new(
    context: Context,
    title: str,
    facilitator: str,
    participants: str,
    organisation: str,
    template: str,
    day: str | None,
) -> None:
    """Create a workshop and print its id."""
    with WorkshopSession.create(
        context.store,
        title,
        organisation=organisation,
        facilitator=facilitator,
        participants=_split_names(participants),
        template=template,
        date=day,
    ) as session:
        click.echo(session.workshop.id)


@cli.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
@_guard
def list_command(context: Context, as_json: bool) -> None:
    """List the workshops in the data folder, newest first."""
    summaries = list_workshops(context.store)
    if as_json:
        click.echo(json.dumps([s.to_dict() for s in summaries], ensure_ascii=False, indent=2))
        return
    if not summaries:
        click.echo(f"No workshops yet in {context.store.data_dir}. Try: workshop demo")
        return
    rows = [("ID", "TITLE", "ORGANISATION", "DATE", "STAGE", "NOTES")]
    for s in summaries:
        if s.error:
            rows.append((s.id, "(cannot be read: see workshop show)", "", "", "", ""))
        else:
            rows.append((s.id, s.title, s.organisation, s.date, s.stage_reached, str(s.notes)))
    widths = [min(40, max(len(r[i]) for r in rows)) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(_fit(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _fit(cell: str, width: int) -> str:
    return (cell[: width - 1] + "…" if len(cell) > width else cell).ljust(width)


@cli.command(name="open")
@click.argument("workshop_id")
@click.pass_obj
@_guard
def open_command(context: Context, workshop_id: str) -> None:
    """Resume a workshop in the app (an id or a unique start of one)."""
    _run_app(context, workshop_id)


@cli.command()
@click.argument("workshop_id")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the whole workshop in the JSON interchange format."
)
@click.pass_obj
@_guard
def show(context: Context, workshop_id: str, as_json: bool) -> None:
    """Print a workshop: details, agenda, notes, votes and actions."""
    from exports import interchange

    store = context.store
    workshop = load_workshop(store, store.resolve(workshop_id))
    if as_json:
        click.echo(interchange.dumps(workshop, app_version=__version__), nl=False)
        return
    click.echo(_describe(workshop))


def _describe(workshop: Any) -> str:
    from facilitation.text import preview

    lines = [f"{workshop.title}  ({workshop.id})"]
    details = [
        workshop.organisation,
        workshop.date,
        f"facilitator: {workshop.facilitator}" if workshop.facilitator else "",
    ]
    lines.append("  ".join(d for d in details if d))
    people = ", ".join(p.name for p in workshop.active_participants()) or "none yet"
    lines += [f"Participants: {people}", "", "Agenda:"]
    for stage in workshop.agenda():
        marker = ">" if stage.id == workshop.current_stage_id else " "
        notes = workshop.stage_notes(stage.id)
        state = " (skipped)" if stage.skipped else ""
        lines.append(f" {marker} {stage.title:<18} {stage.minutes:>3} min  {len(notes):>3} notes{state}")
        for note in notes:
            author = workshop.participant_name(note.author_id) or "anonymous"
            mark = f" [{note.mark}]" if note.mark else ""
            lines.append(f"      #{note.id:<4} {preview(note.text, 70)} — {author}{mark}")
    if workshop.ballots:
        lines += ["", "Votes:"]
        for ballot in sorted(workshop.ballots.values(), key=lambda b: b.id):
            lines.append(f"  #{ballot.id} {ballot.title} (run {ballot.run}, {ballot.status})")
    if workshop.actions:
        lines += ["", "Actions:"]
        for action in workshop.ordered_actions():
            lines.append(
                f"  #{action.id} {preview(action.title, 60)} — {action.owner or 'no owner'}, "
                f"due {action.due or 'no date'}, {action.status}"
            )
    lines += ["", f"{len(workshop.events)} events in the log."]
    return "\n".join(lines)


@cli.command()
@click.argument("workshop_id")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="docx", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="File (or folder) to write; default: a file named after the workshop in the current folder.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_obj
@_guard
def export(context: Context, workshop_id: str, fmt: str, output: Path | None, force: bool) -> None:
    """Write a workshop as a Word action plan, Markdown minutes, CSV of actions or JSON."""
    from exports import export_workshop

    store = context.store
    workshop = load_workshop(store, store.resolve(workshop_id))
    for path in export_workshop(workshop, [fmt], output, force=force):
        click.echo(str(path))


@cli.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_obj
@_guard
def import_command(context: Context, file: Path) -> None:
    """Read a workshop from a JSON interchange file as a new workshop and print its id."""
    from exports import interchange

    workshop = interchange.read_file(file)
    with WorkshopSession.import_workshop(context.store, workshop) as session:
        click.echo(session.workshop.id)


@cli.command()
@click.argument("workshop_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
@_guard
def delete(context: Context, workshop_id: str, yes: bool) -> None:
    """Delete a workshop file, its journal and its backups."""
    store = context.store
    resolved = store.resolve(workshop_id)
    if not yes:
        if not sys.stdin.isatty():
            raise click.ClickException(f"Refusing to delete {resolved} without --yes.")
        click.confirm(f"Delete workshop {resolved} and its backups?", abort=True)
    store.delete(resolved)
    click.echo(f"Deleted {resolved}.")


APP_COMMANDS = (None, "demo", "open")
"""Commands that start the app: for these the garbage collector waits until the first frame is drawn."""


def main() -> None:
    """The console script. Start-up creates many long-lived objects (Textual's and ours); holding the garbage
    collector until the app has drawn its first frame, then freezing what start-up built, takes tens of
    milliseconds off ``workshop open`` and makes later collections cheaper (see ``WorkshopApp.on_mount``)."""
    gc.disable()
    cli(prog_name="workshop")
