"""The eval harness: hand-labelled fixtures, field-level scorers, runs and comparisons."""
