"""Chat templates render in a hardened sandbox; hostile ones fail with ModelError, run nothing."""

from __future__ import annotations

import pytest

from sourcewise.core.errors import ModelError
from sourcewise.core.llm.base import Message
from sourcewise.core.llm.template import CHATML, ChatTemplate

SMOLLM2 = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
LLAMA3_STYLE = (
    "{{ bos_token }}{% for m in messages %}{% if m['role'] not in ['system', 'user', 'assistant'] %}"
    "{{ raise_exception('Unknown role: ' + m['role']) }}{% endif %}"
    "<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n{{ m['content'] | trim }}<|eot_id|>"
    "{% endfor %}{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}"
)
MESSAGES: list[Message] = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hi"},
]


def test_renders_a_gguf_template() -> None:
    text = ChatTemplate(SMOLLM2).render(MESSAGES)
    assert (
        text
        == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    )


def test_bos_eos_raise_exception_and_stop_strings() -> None:
    template = ChatTemplate(
        LLAMA3_STYLE, bos_token="<|begin_of_text|>", eos_token="<|end_of_text|>"
    )
    assert template.render(MESSAGES).startswith("<|begin_of_text|><|start_header_id|>system")
    with pytest.raises(ModelError, match="Unknown role: tool"):
        template.render([{"role": "tool", "content": "x"}])
    assert template.stop_strings() == ["<|end_of_text|>", "<|eot_id|>"]


def test_no_template_falls_back_to_chatml() -> None:
    template = ChatTemplate.from_metadata({"general.name": "base model"}, eos_token="</s>")
    assert template.is_fallback and template.source == CHATML
    assert template.render(MESSAGES).endswith(
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    )
    assert "<|im_end|>" in template.stop_strings()


def test_tojson_and_loop_controls() -> None:
    source = "{% for m in messages %}{% if loop.index > 1 %}{% break %}{% endif %}{{ m | tojson }}{% endfor %}"
    assert (
        ChatTemplate(source).render([{"role": "user", "content": "é"}])
        == '{"role": "user", "content": "é"}'
    )


HOSTILE = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''.__class__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ messages.__class__.__base__.__subclasses__() }}",
    "{{ raise_exception.__globals__ }}",
    "{{ '{0.__class__.__mro__}'.format('') }}",
    "{{ messages.append({'role': 'x'}) }}",
    "{{ messages[0].update({'role': 'x'}) }}",
    "{{ 'a' * 100000000 }}",
    "{{ [1] * 100000000 }}",
    "{{ 2 ** 100000000 }}",
    "{{ 10 ** 999 ** 999 }}",
    "{% for i in range(10 ** 9) %}{% endfor %}",
    "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_templates_fail_cleanly(source: str) -> None:
    with pytest.raises(ModelError, match="chat template"):
        ChatTemplate(source).render(MESSAGES)


def test_a_template_that_does_not_compile_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="does not compile"):
        ChatTemplate("{% for m in messages %}")


def test_template_mutation_of_the_callers_messages_is_impossible() -> None:
    messages: list[Message] = [{"role": "user", "content": "Hi"}]
    with pytest.raises(ModelError):
        ChatTemplate("{% set _ = messages.pop() %}").render(messages)
    assert messages == [{"role": "user", "content": "Hi"}]
