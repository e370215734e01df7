"""Verify that the department subtree table and the reporting-line table match the department tree
and the managers (exit 1 if either does not)."""

from django.core.management.base import BaseCommand, CommandError

from people.reporting import reporting_line_problems
from people.selectors import department_closure_problems
from people.services import department_tree_refresh, reporting_lines_refresh

DEPARTMENT_ROW = "department {1} below {0} at depth {2}"
LINE_ROW = "employee {1} below manager {0} at depth {2}"
CHECKS = (
    # (name, what it follows, problems, refresh, how a row reads)
    ("department subtree", "the tree", department_closure_problems, department_tree_refresh, DEPARTMENT_ROW),
    ("reporting-line", "the managers", reporting_line_problems, reporting_lines_refresh, LINE_ROW),
)


class Command(BaseCommand):
    help = (
        "Check the department subtree table against the tree and the reporting-line table against the "
        "managers; --repair rewrites the rows that differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Write the missing rows and remove the extra ones.")

    def handle(self, *args, repair=False, **options):
        failures = []
        for name, follows, problems_of, refresh, row_text in CHECKS:
            problems = problems_of()
            for kind in ("missing", "extra"):
                for row in problems[kind]:
                    self.stdout.write(f"{kind}: {row_text.format(*row)}")
            count = len(problems["missing"]) + len(problems["extra"])
            if not count:
                self.stdout.write(f"The {name} table matches {follows}.")
            elif repair:
                result = refresh()
                self.stdout.write(
                    f"Repaired the {name} table: {result['added']} row(s) added, {result['removed']} removed."
                )
            else:
                failures.append(f"{count} {name} row(s) differ")
        if failures:
            raise CommandError("; ".join(failures) + "; run with --repair")
