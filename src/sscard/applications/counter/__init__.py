"""The counter's view of a person: registered, given a photo, looked up with documents, cards and
open application (SPEC ID-1..6, APP-5)."""
