"""Exchange profile, language, defaults and help."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from bot.commands.command import Feature, Menu, Place, always
from bot.commands.context import Context
from bot.commands.messages import usage_blocks
from bot.i18n import N_
from bot.parsing import ParseError, simple
from bot.parsing.intents import Help, SetDefaults, SetExchange, SetLanguage
from bot.reply import Button, Paragraph, Reply, Title
from bot.views.tables import mode_name
from engine.exchanges import CHOOSABLE
from engine.models import Exchange

__all__ = ["commands", "defaults", "exchange", "help_", "language"]


commands = Feature()


@commands.command("exchange", simple.exchange, aliases=("ex",)).help(
    (
        f"/exchange {'|'.join(e.value for e in CHOOSABLE)} [MMR% FEE% [AMOUNT]]",
        "/exchange bybit · /exchange custom 0.5% 0.05%",
    ),
    N_(
        "Choose whose margin rules to use; custom takes your exchange's "
        "maintenance rate, fee and maintenance amount."
    ),
)
async def exchange(ctx: Context, intent: SetExchange) -> Reply:
    tr = ctx.tr
    if intent.exchange is None:
        buttons = tuple(
            Button(e.value, f"/exchange {e.value}") for e in CHOOSABLE if e is not Exchange.CUSTOM
        )
        return Reply(
            (Paragraph(tr("Margin rules in use: {exchange}.", exchange=ctx.user.exchange.value)),),
            buttons=(buttons,),
        )
    fields: dict[str, object] = {"exchange": intent.exchange}
    if intent.exchange is Exchange.CUSTOM:
        fields |= {
            "custom_mmr": intent.mmr,
            "custom_fee_rate": intent.fee_rate,
            "custom_maintenance_amount": intent.maintenance_amount,
        }
    await ctx.services.users.update(ctx.user.id, **fields)
    await ctx.changed()
    return Reply.of(tr("Margin rules set to {exchange}.", exchange=intent.exchange.value))


@commands.command("lang", simple.language, aliases=("language",)).help(
    ("/lang [CODE]", "/lang en"), N_("Choose the language.")
)
async def language(ctx: Context, intent: SetLanguage) -> Reply:
    catalogs = ctx.services.catalogs
    if intent.code is None:
        buttons = [Button(_native_name(code), f"/lang {code}") for code in catalogs.languages]
        rows = tuple(tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3))
        return Reply((Paragraph(ctx.tr("Choose a language:")),), buttons=rows)
    code = catalogs.resolve(intent.code)
    if code.split("_")[0] != intent.code.replace("-", "_").split("_")[0].lower():
        return Reply.error(
            ctx.tr(
                "That language is not available yet: {languages}.",
                languages=", ".join(catalogs.languages),
            )
        )
    await ctx.services.users.update(ctx.user.id, language=code)
    return Reply.of(catalogs.translator(code)(N_("Language set.")))


def _native_name(code: str) -> str:
    """'ru' -> 'русский': a language named in itself, so its speakers find it."""
    try:
        return Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        return code


@commands.command("defaults", simple.defaults, aliases=("default",)).help(
    ("/defaults [LEVx] [iso|cross]", "/defaults 10x iso"),
    N_("The leverage and mode used when a command leaves them out."),
)
async def defaults(ctx: Context, intent: SetDefaults) -> Reply:
    fields: dict[str, object] = {}
    if intent.leverage is not None:
        fields["default_leverage"] = intent.leverage
    if intent.margin_mode is not None:
        fields["default_margin_mode"] = intent.margin_mode
    user = await ctx.services.users.update(ctx.user.id, **fields)
    return Reply.of(
        ctx.tr(
            "New positions default to {leverage}x {mode}.",
            leverage=ctx.tr.quantity(user.default_leverage),
            mode=mode_name(ctx.tr, user.default_margin_mode),
        )
    )


@commands.command(
    "help",
    simple.help_,
    aliases=("start", "commands", "?"),
    places=frozenset({Place.PRIVATE, Place.GROUP}),
    reads_only=always,
    menu=Menu(group=3),
).help(("/help [COMMAND]", "/help whatif"), N_("Every command, or one command in detail."))
async def help_(ctx: Context, intent: Help) -> Reply:
    tr = ctx.tr
    if intent.topic:
        command = ctx.commands.find(intent.topic)
        if command is None:
            raise ParseError("unknown_command", "help", name=intent.topic[:30], suggestion="")
        return Reply(
            (Title("/" + command.name), Paragraph(tr(command.summary)), *usage_blocks(tr, command))
        )
    lines = [Paragraph(f"{c.syntax}\n  {tr(c.summary)}") for c in ctx.commands]
    intro = tr(
        "IsoCross computes liquidation prices the way your exchange does, in isolated "
        "and cross mode. Start with /balance, then /long or /short."
    )
    return Reply((Title(tr("Commands")), Paragraph(intro), *lines))
