"""The counter app's background work: the host's health for the status line, and the forwarder
that sends what waits. Results come back as messages (``app_messages``)."""

from __future__ import annotations

from textual import work

from loket.service.forwarding import ForwardingLoop
from loket.service.runtime import Health, Runtime
from loket.tui import texts
from loket.tui.app_messages import Forwarded, ForwarderElsewhere, HealthChecked
from loket.tui.keys import KeyedApp
from loket.tui.screens.queue import QueueScreen
from loket.tui.widgets.status_line import StatusLine


class BackgroundWork(KeyedApp):
    """The counter app (``LoketApp``) while it checks the host and forwards payments."""

    runtime: Runtime
    health: Health | None
    forwarding: ForwardingLoop

    @work(thread=True, exclusive=True, exit_on_error=False, group="health")
    def check_health(self) -> None:
        self.post_message(HealthChecked(self.runtime.health()))

    def on_loket_app_health_checked(self, message: HealthChecked) -> None:
        back = self.health is not None and not self.health.online and message.health.online
        self.health = message.health
        self.refresh_status()
        if back and (message.health.queued or message.health.unsettled):
            # the host is back: what waited is sent now, not when each payment's back-off
            # (grown while the host was away) runs out
            self.forward(force=True)

    def refresh_status(self) -> None:
        for screen in self.screen_stack:
            for line in screen.query(StatusLine):
                line.refresh()

    @work(thread=True, exit_on_error=False, group="forwarder")
    def forward(self, force: bool = False) -> None:
        """Send what waits. The lock is tried every time: when ``loket sync`` (cron) holds it this
        time, the counter takes over as soon as it is free."""
        turn = self.forwarding.turn(force)
        if turn.ran and (turn.done or force):
            self.post_message(Forwarded())
        elif turn.skipped == "elsewhere" and force:
            self.post_message(ForwarderElsewhere())

    def on_loket_app_forwarded(self) -> None:
        self.check_health()
        for screen in self.screen_stack:
            if isinstance(screen, QueueScreen):
                screen.load()

    def on_loket_app_forwarder_elsewhere(self) -> None:
        self.notify(texts.SYNC_ELSEWHERE, severity="warning")
