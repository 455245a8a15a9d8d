"""`ledger app`: the ribbon's buttons in a local web page, for clerks without Excel macros (or with WPS).

server (127.0.0.1, free port, browser) → app (Starlette, token-prefixed routes behind
security.Guard) → routes → buttons (the same jobs, load_file and apply_changes as the CLI);
pages/templates/static render the results (sheet_html, charts: the generated sheets' own
layouts as HTML and inline SVG). htmx is vendored in static/: nothing comes from the internet.
"""
