"""The rules under every strategy, split by subject, each a pure function of the article's text.

- :mod:`.sentences`: where sentences end, which ones a cue marks, the body's lead;
- :mod:`.actors`: the names and roles a sentence offers as a question's options;
- :mod:`.statements`: the clause a commitment or view says, its condition and stance;
- :mod:`.experts`: the people an article introduces, their role and their quotes;
- :mod:`.attribution`: who said what (source, cue, content), from the parse;
- :mod:`.claims`: pledges and positions read from those attributions.
"""
