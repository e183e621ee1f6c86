"""The room: a small web page participants join from their own phones on the local network.

Another front end of the workshop session, beside ``screens/``: its routes turn a participant's form into a session
call, exactly as a screen turns a key into one, so every facilitation rule stays in the session. The server runs
inside the Textual app's own event loop (no thread touches the session) and is imported only when the facilitator
opens the room, so ``workshop open`` starts as fast without it.

Modules: ``security`` (join code, device tokens, CSRF, rate limits), ``devices`` (who has joined, in memory only),
``views`` (what one device may see), ``web`` (Starlette routes and Jinja2 templates), ``live`` (server-sent
events), ``server`` (the uvicorn lifecycle), ``addresses`` (this machine's addresses) and ``qr`` (the join code as a
QR code drawn in the terminal).
"""
