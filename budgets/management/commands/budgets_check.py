"""Recompute every budget's balance from its ledger and report any difference (exit 1 if any)."""

from django.core.management.base import BaseCommand, CommandError

from budgets.services import budgets_recompute


class Command(BaseCommand):
    help = "Recompute every budget balance from the ledger; exit with an error when any differs."

    def handle(self, *args, **options):
        problems = budgets_recompute()
        for problem in problems:
            parts = ", ".join(
                f"{field}: row {row} ≠ ledger {ledger}" for field, (row, ledger) in problem["differences"].items()
            )
            self.stdout.write(f"budget {problem['budget_id']}: {parts or 'available below zero'}")
        if problems:
            raise CommandError(f"{len(problems)} budget(s) differ from their ledger")
        self.stdout.write("All budgets match their ledger.")
