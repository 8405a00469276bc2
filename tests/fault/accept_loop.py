"""Child process for the kill -9 test: accepts cases in a loop until killed.

Prints each case number after its transaction committed, so the parent knows which
cases must have survived.
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace

from app.services.demo import fake_resident_id
from app.services.intake import ApplicantInput, IntakeService
from app.services.workstation import open_workstation


def main(data_dir: str) -> None:
    ws = open_workstation(data_dir)
    svc = IntakeService(ws)
    bundles = list(ws.catalogue.bundles.values())
    i = 0
    rng = random.Random()
    while True:
        b = bundles[i % len(bundles)]
        draft = svc.new_draft("bundle", b.code)
        draft.marks = [replace(m, status="received") for m in draft.marks]
        draft.applicant = ApplicantInput("person", fake_resident_id(rng), f"测试{i}", "", "")
        number = svc.accept(draft).case.number
        sys.stdout.write(number + "\n")
        sys.stdout.flush()
        i += 1


if __name__ == "__main__":
    main(sys.argv[1])
