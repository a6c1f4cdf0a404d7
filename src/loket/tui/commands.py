"""The command palette (Ctrl+P), in Indonesian: a cashier sees only what a cashier may do."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from loket.tui import texts

if TYPE_CHECKING:
    from loket.tui.app import LoketApp

Command = tuple[str, str, Callable[[], object]]


def palette(app: LoketApp) -> Iterable[Command]:
    said = texts.COMMANDS
    yield *said["help"], app.action_help
    if app.cashier_id:
        yield *said["history"], app.action_history
        yield *said["next"], app.next_customer
        yield *said["sync_now"], app.action_sync_now
        yield *said["queue"], app.action_queue
        yield *said["shift"], app.action_shift
        if app.is_owner:
            yield *said["dashboard"], app.action_dashboard
            yield *said["settings"], app.action_settings
            yield *said["other_shifts"], app.action_other_shifts
        yield *said["logout"], app.logout
    yield *said["print_test"], app.action_print_test
    yield *said["quit"], app.action_quit


class LoketCommands(Provider):
    """Textual's own provider speaks English and offers themes and screenshots; this one offers
    the counter's commands and says so, in Indonesian, when nothing matches."""

    @property
    def loket(self) -> LoketApp:
        return cast("LoketApp", self.app)

    async def discover(self) -> Hits:
        for name, help_text, callback in palette(self.loket):
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        found = False
        for name, help_text, callback in palette(self.loket):
            if (score := matcher.match(name)) > 0:
                found = True
                yield Hit(score, matcher.highlight(name), callback, text=name, help=help_text)
        if not found:
            yield Hit(0.0, texts.PALETTE_NO_MATCH, _nothing, text=texts.PALETTE_NO_MATCH)


def _nothing() -> None:
    """Choosing the "nothing matches" line does nothing."""
