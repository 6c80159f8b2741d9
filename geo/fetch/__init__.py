"""Fetching: bounded HTTP, the first source that has it, Kartverket's and SSB's APIs."""
