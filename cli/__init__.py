"""The `tiltakskart` command line: the library's commands (`cli.commands`) on a parser that
takes more commands from outside (`cli.main.Command`; the app adds `serve`)."""
