"""Brief-making: from a cleaned article to a validated, grounded Brief.

Everything here can change the brief made from the same cleaned text, prompt and replies, so
the cache's code fingerprint is the hash of this package's files (:func:`newsbrief.base.
code_fingerprint`): moving a module in or out is all it takes to count it or not.

- :mod:`.schemas`: the Brief and its items, with the field metadata the rest reads;
- :mod:`.prompts`: versioned prompt folders, loaded and rendered;
- :mod:`.llm`: the model call path (instructor, retries, the embedded model);
- :mod:`.rules`: the sentence, actor, statement, expert and attribution rules;
- :mod:`.grounding`: every quote and evidence sentence checked against the article;
- :mod:`.strategies`: each strategy in one module that declares itself (``SPEC``).
"""
