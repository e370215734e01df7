"""Verify that the department closure table matches the department tree (exit 1 if it does not)."""

from django.core.management.base import BaseCommand, CommandError

from people.selectors import department_closure_problems
from people.services import department_tree_refresh


class Command(BaseCommand):
    help = "Check the department subtree table against the tree; --repair rewrites the rows that differ."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Write the missing rows and remove the extra ones.")

    def handle(self, *args, repair=False, **options):
        problems = department_closure_problems()
        for kind in ("missing", "extra"):
            for ancestor, descendant, depth in problems[kind]:
                self.stdout.write(f"{kind}: department {descendant} below {ancestor} at depth {depth}")
        count = len(problems["missing"]) + len(problems["extra"])
        if not count:
            self.stdout.write("The department subtree table matches the tree.")
            return
        if repair:
            result = department_tree_refresh()
            self.stdout.write(f"Repaired: {result['added']} row(s) added, {result['removed']} removed.")
            return
        raise CommandError(f"{count} department subtree row(s) differ from the tree; run with --repair")
