"""Data only: the YAML lexicons. A package so that packaging ships the files with `nlu`."""
