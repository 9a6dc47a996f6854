"""The shared test harness: the rule checker (finite differences, the dot-product identity,
second order), the spec helpers the rule tables are written with, and small assertions
that several test files use."""
