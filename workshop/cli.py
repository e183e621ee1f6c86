"""The ``workshop`` command: parses the command line, opens a session, starts the app or an export.

Errors a user can cause (an unknown id, a damaged file, a bad import, a folder that cannot be written) are printed
as one clear line on stderr with exit code 1; they never become tracebacks.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from facilitation import catalogue, text
from facilitation.entry import EntryError, parse_count
from facilitation.export_formats import FORMAT_KEYS
from workshop import __version__, paths
from workshop.session import SessionError, WorkshopSession, list_workshops, load_workshop
from workshop.session.listing import summary_of_tables
from workshop.session.preview import preview_of_tables
from workshop.store import Store, StoreError

EXPORT_FORMATS = FORMAT_KEYS
CSV_DELIMITERS = {"comma": ",", ",": ",", "semicolon": ";", ";": ";", "tab": "\t", "\\t": "\t"}


@dataclass
class Context:
    """What every command shares: the data folder, and the store opened on it only when a command needs it."""

    data_dir_override: Path | None
    _store: Store | None = None

    def _check_override(self) -> None:
        """A ``--data-dir`` typed on the command line must exist: a typo must not start an empty library (the
        default folder, and ``$WORKSHOP_DATA_DIR``, are still created when missing)."""
        folder = self.data_dir_override
        if folder is not None and str(folder) != "" and not folder.expanduser().exists():
            raise UserError(
                f"The data folder {folder} does not exist. Check the path, create the folder first "
                f"(mkdir -p {folder}), or leave out --data-dir to use the default folder."
            )

    @property
    def store(self) -> Store:
        """The store for commands that change workshops: the folder is created and must be writable. Trash
        older than ``trash.TRASH_DAYS`` days is emptied when it is first opened."""
        if self._store is None:
            import time

            from workshop.store import trash

            self._check_override()
            self._store = Store(
                paths.data_dir(self.data_dir_override), summarise=summary_of_tables, preview=preview_of_tables
            )
            trash.empty_trash(self._store.data_dir, time.time())
        return self._store

    @property
    def reading_store(self) -> Store:
        """The store for commands that only read (``list``, ``show``, ``export``): a read-only folder will do."""
        if self._store is None:
            self._check_override()
            return Store(
                paths.data_dir(self.data_dir_override, writable=False),
                summarise=summary_of_tables,
                preview=preview_of_tables,
            )
        return self._store


class UserError(Exception):
    """Something the user can fix: ``main`` prints it as one ``Error: …`` line on stderr and exits with 1."""


class Aborted(Exception):
    """The user declined a confirmation: ``Aborted!`` on stderr and exit code 1, as with click before."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors a user can cause into a clean message and exit code 1."""
    from exports.errors import ExportError, FormatError

    try:
        yield
    except (StoreError, SessionError, FormatError, ExportError) as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")) from None


def _echo(shown: str, *, raw: bool = False) -> None:
    """Print to stdout and flush at once (as ``click.echo`` did), so output and a later error keep their order.

    Unless ``raw`` (JSON, which escapes them itself), what no terminal should act on is dropped first
    (``facilitation.text.clean``: escape sequences, other control characters; a right-to-left override left
    open is closed at its line's end): a title or note from an imported file once retitled the terminal and
    coloured everything after it red."""
    print(shown if raw else text.clean(shown), flush=True)


def _line(value: str) -> str:
    """A title, name or other one-line value as a terminal line shows it (``facilitation.text.clean_line``):
    a newline or tab in it no longer breaks the row it is printed in."""
    return text.clean_line(value)


def has_terminal() -> bool:
    """True when both ends of the session are a terminal: the app draws on stdout and reads keys from stdin."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def _run_app(
    context: Context, workshop_id: str | None, *, room: tuple[str | None, int] | None = None
) -> None:
    from screens.app import run_app
    from workshop.session import WorkshopLibrary

    if not has_terminal():
        what = f"workshop {workshop_id}" if workshop_id else "the app"
        raise UserError(
            f"Cannot open {what}: this is not a terminal (input or output is redirected). The app is "
            "full-screen; from a script use `workshop show ID` or `workshop export ID`."
        )
    store = context.store
    if workshop_id is not None:
        workshop_id = store.resolve(workshop_id)
    if room is None:
        run_app(WorkshopLibrary(store), workshop_id, exporter=_exporter())
    else:
        run_app(WorkshopLibrary(store), workshop_id, exporter=_exporter(), room=room)


def _exporter() -> Callable[..., list[Path]]:
    from exports import export_workshop

    return export_workshop


def demo(context: Context, no_open: bool) -> None:
    """Create a fresh sample workshop (notes, votes, a readiness check) and open it."""
    from workshop.demo import build_demo

    with build_demo(context.store) as session:
        workshop_id = session.workshop.id
    if no_open:
        _echo(workshop_id)
        return
    _run_app(context, workshop_id)


def _split_names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


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
        _echo(session.workshop.id)


def list_command(context: Context, as_json: bool, search: str | None) -> None:
    """List the workshops in the data folder, newest first (with ``--search``, those that match)."""
    store = context.reading_store
    summaries = list_workshops(store, search)
    if as_json:
        _echo(json.dumps([s.to_dict() for s in summaries], ensure_ascii=False, indent=2), raw=True)
        return
    if not summaries:
        if search:
            _echo(f"No workshop in {store.data_dir} matches “{search}”.")
        else:
            _echo(f"No workshops yet in {store.data_dir}. Try: workshop demo")
        return
    rows: list[list[str]] = [["ID", "TITLE", "ORGANISATION", "DATE", "STAGE", "NOTES"]]
    for s in summaries:
        if s.error:
            rows.append([s.id, "(cannot be read: see workshop show)", "", "", "", ""])
        else:
            rows.append([_line(cell) for cell in (s.id, s.title, s.organisation, s.date, s.stage_reached)])
            rows[-1].append(str(s.notes))
    widths = [min(40, max(cell_len(r[i]) for r in rows)) for i in range(len(rows[0]))]
    for row in rows:
        _echo("  ".join(_fit(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip())


def cell_len(shown: str) -> int:
    """Columns ``shown`` takes on a terminal (Rich's measure: an emoji or a CJK letter takes two)."""
    from rich.cells import cell_len as measure

    return measure(shown)


def _fit(cell: str, width: int) -> str:
    """``cell`` in exactly ``width`` columns: padded, or cut with "…" (measured in columns, not characters, so
    a title with emoji or CJK letters keeps the next column in line)."""
    from rich.cells import set_cell_size

    if cell_len(cell) > width:
        cell = set_cell_size(cell, width - 1) + "…"
    return cell + " " * (width - cell_len(cell))


def open_command(
    context: Context, workshop_id: str, room: bool = False, address: str | None = None, port: int | None = None
) -> None:
    """Resume a workshop in the app (an id or a unique start of one), optionally with the room open."""
    if not room and (address is not None or port is not None):
        raise UserError("--address and --port go with --room (open the room for participants' devices).")
    if address is not None:
        import ipaddress

        try:
            address = ipaddress.ip_address(address.strip("[]")).compressed
        except ValueError:
            raise UserError(f"--address {address!r} is not an IP address (for example 192.168.1.20).") from None
    _run_app(context, workshop_id, room=(address, port or 0) if room else None)


def _port(value: str) -> int:
    """``--port N``: read as the room dialog reads it (``entry.parse_count``: ``1_0`` and ``+80`` are refused)."""
    try:
        return parse_count(value, "a port", low=1, high=65535)
    except EntryError:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, not {value!r}") from None


def present(context: Context, workshop_id: str) -> None:
    """Show a workshop on a projector: a read-only window that follows the facilitator's.

    Run it in a second terminal (on the projector's screen) while the workshop is open in the first: it shows
    the stage, its questions, a big countdown, the agenda, the notes as they arrive and votes once revealed. It
    takes no lock and never writes; Ctrl+Q closes it.
    """
    from screens.projector import run_projector
    from workshop.follow import open_following

    run_projector(open_following(context.store, workshop_id))


def show(context: Context, workshop_id: str, as_json: bool) -> None:
    """Print a workshop: details, agenda, notes, votes and actions."""
    from exports import interchange

    store = context.reading_store
    workshop = load_workshop(store, store.resolve(workshop_id))
    if as_json:
        sys.stdout.write(interchange.dumps(workshop, app_version=__version__))
        sys.stdout.flush()
        return
    _echo(_describe(workshop))


def _describe(workshop: Any) -> str:
    from facilitation.text import preview

    lines = [f"{_line(workshop.title)}  ({workshop.id})"]
    details = [
        _line(workshop.organisation),
        workshop.date,
        f"facilitator: {_line(workshop.facilitator)}" if workshop.facilitator else "",
    ]
    lines.append("  ".join(d for d in details if d))
    people = ", ".join(_line(p.name) for p in workshop.active_participants()) or "none yet"
    lines += [f"Participants: {people}", "", "Agenda:"]
    for stage in workshop.agenda():
        marker = ">" if stage.id == workshop.current_stage_id else " "
        notes = workshop.stage_notes(stage.id)
        state = " (skipped)" if stage.skipped else ""
        lines.append(f" {marker} {_line(stage.title):<18} {stage.minutes:>3} min  {len(notes):>3} notes{state}")
        for note in notes:
            author = _line(workshop.credit(note) or "anonymous")
            mark = f" [{note.mark}]" if note.mark else ""
            lines.append(f"      #{note.id:<4} {_line(preview(note.text, 70))} — {author}{mark}")
    if workshop.ballots:
        lines += ["", "Votes:"]
        for ballot in sorted(workshop.ballots.values(), key=lambda b: b.id):
            lines.append(f"  #{ballot.id} {_line(ballot.title)} (run {ballot.run}, {ballot.status})")
    if workshop.actions:
        lines += ["", "Actions:"]
        for action in workshop.ordered_actions():
            lines.append(
                f"  #{action.id} {_line(preview(action.title, 60))} — {_line(action.owner or 'no owner')}, "
                f"due {action.due or 'no date'}, {action.status}"
            )
    lines += ["", f"{len(workshop.events)} events in the log."]
    return "\n".join(lines)


def export(
    context: Context, workshop_id: str, fmt: str, output: Path | None, force: bool, delimiter: str
) -> None:
    """Write a workshop as a Word action plan (or PDF), Markdown minutes, CSVs of actions and notes, or JSON."""
    from exports import export_workshop

    store = context.reading_store
    if output is not None and str(output) == "-":  # as Unix tools take it: standard output, not a file "-"
        if fmt not in ("md", "json"):
            raise UserError(f"-o - writes to standard output, which takes md or json; {fmt} needs a file or folder.")
        workshop = load_workshop(store, store.resolve(workshop_id))
        if fmt == "md":
            from exports import markdown

            sys.stdout.write(markdown.render(workshop))
        else:
            from exports import interchange

            sys.stdout.write(interchange.dumps(workshop, app_version=__version__))
        sys.stdout.flush()
        return
    workshop = load_workshop(store, store.resolve(workshop_id))
    for path in export_workshop(workshop, [fmt], output, force=force, delimiter=CSV_DELIMITERS[delimiter]):
        _echo(str(path))


def import_command(context: Context, file: Path) -> None:
    """Read a workshop from a JSON interchange file as a new workshop and print its id."""
    from exports import interchange

    workshop = interchange.read_file(file)
    with WorkshopSession.import_workshop(context.store, workshop) as session:
        _echo(session.workshop.id)


def _title_of(store: Store, workshop_id: str) -> str:
    """A workshop's title for a question, or a note that it cannot be read (a damaged file can still go)."""
    try:
        return f"“{_line(load_workshop(store, workshop_id).title)}”"
    except (StoreError, SessionError, ValueError, OSError):
        return "(a workshop that cannot be read)"


def delete(context: Context, workshop_id: str, yes: bool, purge: bool) -> None:
    """Move a workshop to the trash, or delete it at once with --purge.

    `workshop restore ID` brings a workshop back from the trash within 30 days. Without the full id, or without
    --yes, it shows the workshop's title and asks first."""
    import time

    from workshop.store import trash

    store = context.store
    full = workshop_id in store.ids()
    resolved = workshop_id if full else store.resolve(workshop_id)
    title = _title_of(store, resolved)
    if not (full and yes):
        if not sys.stdin.isatty():
            if not full:
                raise UserError(
                    f"'{workshop_id}' is only the start of an id. To delete {title}, type its full id: "
                    f"workshop delete {resolved}{' --purge' if purge else ''} --yes"
                )
            raise UserError(f"Refusing to delete {title} ({resolved}) without --yes.")
        if purge:
            _confirm(f"Delete {title} ({resolved}) and its backups for good? It cannot be restored.")
        else:
            _confirm(
                f"Move {title} ({resolved}) to the trash? `workshop restore` brings it back for 30 days."
            )
    if purge:
        store.delete(resolved)
        _echo(f"Deleted {title} ({resolved}) for good.")
        return
    trash.move_to_trash(store.data_dir, resolved, time.time())
    _echo(
        f"Moved {title} ({resolved}) to the trash in {trash.trash_dir(store.data_dir)}. "
        f"`workshop restore {resolved}` brings it back; the trash is emptied after {trash.TRASH_DAYS} days."
    )


def restore(context: Context, workshop_id: str | None, backup: int | None) -> None:
    """Bring a workshop back from the trash, or restore a backup of a damaged one.

    With --backup N, backup N (1 = newest) takes the place of a damaged workshop, as the app offers. With no id,
    list what is in the trash."""
    import datetime as dt
    import time

    from workshop.session import WorkshopLibrary
    from workshop.store import trash

    store = context.store
    if workshop_id is None:
        if backup is not None:
            raise UserError("Name the workshop whose backup to restore: workshop restore ID --backup N")
        found = trash.entries(store.data_dir)
        if not found:
            _echo(f"The trash is empty ({trash.trash_dir(store.data_dir)}).")
            return
        now = time.time()
        for entry in found:
            when = dt.datetime.fromtimestamp(entry.deleted_at).strftime("%Y-%m-%d %H:%M")
            left = max(0, trash.TRASH_DAYS - int((now - entry.deleted_at) // 86_400))
            _echo(f"{entry.workshop_id}  “{_line(entry.title())}”  deleted {when}, {left} days left")
        return
    if backup is not None:
        library = WorkshopLibrary(store)
        resolved = store.resolve(workshop_id)
        backups = library.backups(resolved)
        if not backups:
            raise UserError(f"{resolved} has no backups.")
        if not 1 <= backup <= len(backups):
            listed = "; ".join(f"{n}: {b.label}" for n, b in enumerate(backups, start=1))
            raise UserError(f"{resolved} has {len(backups)} backups (1 is the newest): {listed}.")
        chosen = backups[backup - 1]
        if not chosen.readable:
            raise UserError(f"Backup {backup} of {resolved} cannot be read either: {chosen.label}.")
        library.restore_backup(resolved, chosen)
        _echo(
            f"Restored {resolved} from backup {backup} ({chosen.label}). The damaged file and journal were kept "
            f"beside it as .damaged- copies."
        )
        return
    entry = trash.find(store.data_dir, workshop_id)
    title = _line(entry.title())
    trash.restore_from_trash(store.data_dir, entry)
    _echo(f"Restored “{title}” ({entry.workshop_id}) from the trash.")


def _confirm(question: str) -> None:
    """Ask on the terminal before something that cannot be undone; anything but y or yes (or Ctrl+C, or the end
    of input) aborts, so a slip of the finger never deletes."""
    try:
        answer = input(f"{question} [y/N]: ")
    except (EOFError, KeyboardInterrupt):
        raise Aborted from None
    if answer.strip().lower() not in ("y", "yes"):
        raise Aborted


def _folder(value: str) -> Path:
    """``--data-dir``: the folder may not exist yet (it is created), but naming a file is a usage error."""
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"Directory '{value}' is a file.")
    return path


def _backup_number(value: str) -> int:
    """``--backup N``: a backup's number, 1 for the newest."""
    try:
        return parse_count(value, "a backup number", low=1, high=999_999_999)
    except EntryError:
        raise argparse.ArgumentTypeError(f"a backup number is 1 or more (1 is the newest), not '{value}'") from None


def _input_file(value: str) -> Path:
    """``import FILE``: naming a folder is a usage error; a missing file is reported by the import itself."""
    path = Path(value)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"File '{value}' is a directory.")
    return path


DESCRIPTION = """Run a Six Disciplines leadership workshop from the terminal.

With no command, opens the app on the home screen listing your workshops."""
USAGE = "workshop [--data-dir PATH] [--version] [-h] [COMMAND] [ARGS ...]"
HELP_HELP = "Show this message and exit."
ID_HELP = "A workshop id, or any unique start of one."


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps descriptions as written and wraps option help at spaces only: names such as ``six-disciplines``
    would otherwise be split at their hyphen."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        import textwrap

        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)


def _settings(description: str) -> dict[str, Any]:
    """What every parser shares: no abbreviated options (click accepted none) and ``-h`` added by hand so its
    help reads like the rest."""
    return {
        "description": description,
        "formatter_class": _HelpFormatter,
        "allow_abbrev": False,
        "add_help": False,
    }


_LITERAL = re.compile(r"``(.+?)``", re.DOTALL)
"""An inline literal in a handler's docstring (``--search``): help shows what is inside."""


def _add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Callable[..., None],
) -> argparse.ArgumentParser:
    """A command whose help is its handler's docstring, and which calls the handler with its options. The
    docstring's inline literals (reST's double backquotes) are shown as the plain text a user types."""
    doc = _LITERAL.sub(r"\1", (handler.__doc__ or "").strip())
    parser = commands.add_parser(name, help=doc.splitlines()[0], **_settings(doc))
    parser.add_argument("-h", "--help", action="help", help=HELP_HELP)
    parser.set_defaults(handler=handler)
    return parser


def _parser() -> argparse.ArgumentParser:
    """The whole command line; global options come before the command name. Built on each run: it takes well
    under a millisecond."""
    parser = argparse.ArgumentParser(prog="workshop", usage=USAGE, **_settings(DESCRIPTION))
    parser.add_argument(
        "--data-dir",
        type=_folder,
        default=None,
        metavar="PATH",
        help="Folder holding the workshop files (default: $WORKSHOP_DATA_DIR, else your user data folder).",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"workshop, version {__version__}",
        help="Show the version and exit.",
    )
    parser.add_argument("-h", "--help", action="help", help=HELP_HELP)
    parser.set_defaults(handler=None)
    # ``prog`` given, else the commands' usage lines would repeat the custom USAGE above.
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND", prog="workshop")

    command = _add_command(commands, "demo", demo)
    command.add_argument(
        "--no-open",
        action="store_true",
        help="Create the demo workshop and print its id without starting the app.",
    )

    command = _add_command(commands, "new", new)
    command.add_argument("title", metavar="TITLE", help="The workshop's title.")
    command.add_argument("--facilitator", default="", metavar="NAME", help="The facilitator's name.")
    command.add_argument(
        "--participants", default="", metavar="NAMES", help='Comma-separated names, e.g. "Ana,Ben".'
    )
    command.add_argument(
        "--organisation",
        "--organization",
        default="",
        metavar="ORG",
        help="The organisation the workshop is for.",
    )
    command.add_argument(
        "--template",
        default=catalogue.DEFAULT_TEMPLATE,
        metavar="NAME",
        help=f"Agenda template: {', '.join(catalogue.BUILTIN_TEMPLATES)} (default: %(default)s).",
    )
    command.add_argument(
        "--date", dest="day", metavar="DATE", help="The workshop's date, YYYY-MM-DD (default: today)."
    )

    command = _add_command(commands, "list", list_command)
    command.add_argument("--json", dest="as_json", action="store_true", help="Print JSON for scripts.")
    command.add_argument(
        "--search",
        metavar="TEXT",
        help="Only workshops whose title, organisation, facilitator, date, stage or id contain every word of "
        "TEXT (case and accents ignored).",
    )

    command = _add_command(commands, "open", open_command)
    command.add_argument("workshop_id", metavar="WORKSHOP_ID", help=ID_HELP)
    command.add_argument(
        "--room",
        action="store_true",
        help="Open the room: participants join from their phones on this network (QR code on the screen).",
    )
    command.add_argument(
        "--address",
        metavar="ADDR",
        help="With --room: this machine's address to serve on (default: its first non-loopback address; "
        "127.0.0.1 for a rehearsal).",
    )
    command.add_argument("--port", type=_port, metavar="N", help="With --room: the port (default: any free one).")

    command = _add_command(commands, "present", present)
    command.add_argument("workshop_id", metavar="WORKSHOP_ID", help=ID_HELP)

    command = _add_command(commands, "show", show)
    command.add_argument("workshop_id", metavar="WORKSHOP_ID", help=ID_HELP)
    command.add_argument(
        "--json",
        dest="as_json",
        action="store_true",
        help="Print the whole workshop in the JSON interchange format.",
    )

    command = _add_command(commands, "export", export)
    command.add_argument("workshop_id", metavar="WORKSHOP_ID", help=ID_HELP)
    command.add_argument(
        "--format",
        dest="fmt",
        choices=EXPORT_FORMATS,
        default="docx",
        help="docx: the Word action plan; pdf: the same converted by LibreOffice; md: the minutes; csv: the "
        "actions and the notes (two files); json: the whole workshop (default: %(default)s).",
    )
    command.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="PATH",
        help="File (or folder) to write, or - for standard output (md, json); default: a file named after the "
        "workshop in the current folder.",
    )
    command.add_argument("--force", action="store_true", help="Overwrite an existing file.")
    command.add_argument(
        "--delimiter",
        choices=list(CSV_DELIMITERS),
        default="comma",
        metavar="{comma,semicolon,tab}",
        help="Between CSV columns (default: comma); semicolon suits spreadsheets in locales with a decimal comma.",
    )

    command = _add_command(commands, "import", import_command)
    command.add_argument("file", type=_input_file, metavar="FILE", help="A JSON interchange file.")

    command = _add_command(commands, "delete", delete)
    command.add_argument(
        "workshop_id",
        metavar="WORKSHOP_ID",
        help="The workshop's full id (a start of one: it shows the title and asks).",
    )
    command.add_argument("--yes", action="store_true", help="Do not ask (only with the full id).")
    command.add_argument(
        "--purge", action="store_true", help="Delete at once instead of moving to the trash."
    )

    command = _add_command(commands, "restore", restore)
    command.add_argument(
        "workshop_id",
        nargs="?",
        default=None,
        metavar="WORKSHOP_ID",
        help="The workshop to bring back; none: list the trash.",
    )
    command.add_argument(
        "--backup",
        type=_backup_number,
        default=None,
        metavar="N",
        help="Restore backup N (1 = newest) of a damaged workshop instead of a workshop from the trash.",
    )
    return parser


APP_COMMANDS = (None, "demo", "open")
"""Commands that start the app: for these the garbage collector waits until the first frame is drawn."""


def main(argv: list[str] | None = None) -> None:
    """The console script. Start-up creates many long-lived objects (Textual's and ours); holding the garbage
    collector until the app has drawn its first frame, then freezing what start-up built, takes tens of
    milliseconds off ``workshop open`` and makes later collections cheaper (see ``WorkshopApp.on_mount``).

    ``argv`` defaults to ``sys.argv[1:]``. Help, ``--version`` and usage errors (exit code 2) end in
    ``SystemExit``, as do user errors (exit code 1); a command that succeeds simply returns."""
    gc.disable()
    options = vars(_parser().parse_args(sys.argv[1:] if argv is None else argv))
    command: str | None = options.pop("command")
    handler: Callable[..., None] | None = options.pop("handler")
    context = Context(options.pop("data_dir"))
    if command not in APP_COMMANDS:
        gc.enable()
    try:
        with user_errors():
            if handler is None:
                _run_app(context, None)
            else:
                handler(context, **options)
    except UserError as error:
        print(f"Error: {text.clean(str(error))}", file=sys.stderr)
        raise SystemExit(1) from None
    except Aborted:
        print("Aborted!", file=sys.stderr)
        raise SystemExit(1) from None
    except (EOFError, KeyboardInterrupt):
        print("\nAborted!", file=sys.stderr)  # as click did: Ctrl+C ends the command quietly, exit code 1
        raise SystemExit(1) from None
