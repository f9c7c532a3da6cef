"""Every feature of the coach on Telegram, built once, and the handlers that route to each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.coaching.interview import InterviewCases
from bot.telegram.callbacks import (
    AnswerTap,
    CardTabTap,
    CardTap,
    CaseTap,
    CheckinTap,
    EraseTap,
    LanguageTap,
    ReminderTap,
    ShareTap,
    WorkshopTap,
)
from bot.telegram.cards import CardShelf
from bot.telegram.checkins import CheckIns, starts_interview
from bot.telegram.classes import ClassSessions
from bot.telegram.delivery import CardDelivery
from bot.telegram.errors import Failures, HandlerCallback
from bot.telegram.help import Help
from bot.telegram.interview import InterviewChat
from bot.telegram.present import InterviewPresenter
from bot.telegram.privacy import Privacy
from bot.telegram.reminders import Clock, Reminders
from bot.telegram.screen import Screen
from bot.telegram.services import Services
from bot.telegram.updates import Context, carried_by_its_message
from bot.telegram.workshop import Workshops

MEDIA = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.Document.ALL
    | filters.LOCATION
    | filters.CONTACT
)
Handler = BaseHandler[Update, Context, None]


@dataclass(frozen=True)
class Features:
    """The coach's features, sharing one set of services."""

    failures: Failures
    interview: InterviewChat
    cards: CardShelf
    privacy: Privacy
    help: Help
    classes: ClassSessions
    checkins: CheckIns
    reminders: Reminders
    screen: Screen

    @classmethod
    def build(cls, services: Services, screen: Screen, clock: Clock) -> Features:
        """Build every feature over the services."""
        coach, store, views = services.coach, services.store, services.views
        cases = InterviewCases(coach, store)
        delivery = CardDelivery(views, services.drawing, services.background)
        classes = ClassSessions(services, cases)
        checkins = CheckIns(services, cases)
        workshops = Workshops(services, delivery, clock)
        presenter = InterviewPresenter(views, delivery)
        return cls(
            failures=Failures(coach.content),
            interview=InterviewChat(cases, presenter, classes, workshops, checkins),
            cards=CardShelf(coach, store, cases, delivery),
            privacy=Privacy(views, store, cases),
            help=Help(views, cases),
            classes=classes,
            checkins=checkins,
            reminders=Reminders(services, cases, clock),
            screen=screen,
        )

    def handlers(self) -> Iterator[tuple[int, Handler]]:
        """Yield (group, handler) in the order they are tried."""
        guard = self.failures.guarded
        interview, classes = self.interview, self.classes
        workshops = interview.workshops
        yield -2, TypeHandler(Update, self.screen.screen)
        yield -1, CallbackQueryHandler(self.refuse_forged)
        # Before the commands: an edited "/start" must not run again.
        yield 0, MessageHandler(filters.UpdateType.EDITED, guard(self.screen.edited))
        commands: dict[str, HandlerCallback] = {
            "start": interview.start,
            "help": self.help.help,
            "plan": interview.plan,
            "back": interview.back,
            "skip": interview.skip,
            "restart": interview.restart,
            "cancel": interview.cancel,
            "card": self.cards.card,
            "history": self.cards.history,
            "lang": interview.lang,
            "privacy": self.privacy.privacy,
            "deletedata": self.privacy.deletedata,
            "class": classes.open_class,
            "report": classes.report,
            "endclass": classes.end_class,
            "workshop": workshops.start,
            "checkin": self.checkins.command,
            "reminders": self.reminders.command,
        }
        for name, callback in commands.items():
            yield 0, CommandHandler(name, guard(callback))
        yield 0, MessageHandler(filters.COMMAND, guard(self.help.unknown_command))
        taps: list[tuple[Callable[[object], bool], HandlerCallback]] = [
            (AnswerTap.matches, interview.tap),
            (LanguageTap.matches, interview.language_tap),
            (starts_interview, interview.plan_tap),
            (CheckinTap.matches, self.checkins.tap),
            (CardTap.matches, self.cards.open),
            (CardTabTap.matches, self.cards.tab),
            (EraseTap.matches, self.privacy.erase),
            (CaseTap.matches, classes.choose_case),
            (ShareTap.matches, classes.share),
            (WorkshopTap.matches, workshops.tap),
            (ReminderTap.matches, self.reminders.tap),
        ]
        for pattern, callback in taps:
            yield 0, CallbackQueryHandler(guard(callback), pattern=pattern)
        yield 0, CallbackQueryHandler(guard(interview.refuse_button))  # data that is not ours
        yield 0, MessageHandler(filters.TEXT & ~filters.COMMAND, guard(interview.text))
        yield 0, MessageHandler(MEDIA, guard(interview.media))

    async def refuse_forged(self, update: Update, context: Context) -> None:
        """Stop a tap whose data is not on its message's keyboard: a modified client sent it."""
        query = update.callback_query
        if query is not None and not carried_by_its_message(query):
            await self.failures.guarded(self.interview.refuse_button)(update, context)
            raise ApplicationHandlerStop
