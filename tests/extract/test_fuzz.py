"""The fuzz harness's CI run: 2,000 mutated documents (fixed seed), no crash, none over 5 s of CPU.

tests/extract/fuzz.py mutates the seeds and the corpus rendered to every format; each case must
end in a plan or the project's own refusal. The long run is documented there
(`python -m tests.extract.fuzz --cases 100000`)."""
from __future__ import annotations

from tests.extract import fuzz

CASES = 2000
SEED = 12


def test_two_thousand_mutated_documents_neither_crash_nor_take_long(tmp_path, seeds):
    bases = fuzz.base_documents(tmp_path)
    assert {name.rsplit(".", 1)[1] for name in bases} == set(fuzz.FORMATS)
    summary = fuzz.run(SEED, range(CASES), bases, out=tmp_path / "finds")
    report = "\n".join(f"case {o.case} ({o.base}) {o.seconds:.1f} s CPU: {o.what}" for o in summary.failures + summary.slow)
    assert summary.cases == CASES
    assert not summary.failures, report
    assert not summary.slow, report
    assert summary.plans > 100 and summary.refused > 100  # the mutations reach both outcomes
