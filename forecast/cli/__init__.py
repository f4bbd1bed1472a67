"""The ``forecast`` command line: options, commands, tables and plots; it parses, calls the library and prints."""
