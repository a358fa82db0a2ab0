"""``python -m newsbrief.llama_server ...``: llama-cpp-python's OpenAI-compatible server, with
the model's weights in plain CPU buffers (see :func:`newsbrief.brief.llm.use_plain_cpu_buffers`).

It takes the same options as ``python -m llama_cpp.server``, which crashes on the first prompt
on machines that report AMX without granting it.
"""

from __future__ import annotations


def main() -> None:
    from llama_cpp.server.__main__ import main as serve

    from .brief.llm import use_plain_cpu_buffers

    use_plain_cpu_buffers()
    serve()


if __name__ == "__main__":
    main()
