"""Child process for the kill -9 test: accepts cases in a loop until killed.

Prints each case number after its transaction committed, so the parent knows which
cases must have survived.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from app.domain.identifiers import ric_check_char
from app.services.intake import ApplicantInput, IntakeService
from app.services.workstation import open_workstation


def main(data_dir: str) -> None:
    ws = open_workstation(data_dir)
    svc = IntakeService(ws)
    bundles = list(ws.catalogue.bundles.values())
    i = 0
    while True:
        b = bundles[i % len(bundles)]
        draft = svc.new_draft("bundle", b.code)
        draft.marks = [replace(m, status="received") for m in draft.marks]
        body = f"3207241990{i % 10**7:07d}"
        draft.applicant = ApplicantInput("person", body + ric_check_char(body), f"测试{i}", "", "")
        number = svc.accept(draft).case.number
        sys.stdout.write(number + "\n")
        sys.stdout.flush()
        i += 1


if __name__ == "__main__":
    main(sys.argv[1])
