"""Reading: a programme's file to measures (document, grammar, parse, periods, extract)."""
