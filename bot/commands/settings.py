"""Exchange profile, language, defaults and help."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from bot.commands.context import Context
from bot.commands.messages import usage_blocks
from bot.commands.usage import SUMMARY, USAGE
from bot.i18n import N_
from bot.parsing import COMMANDS, ParseError, canonical_command
from bot.parsing.intents import Help, SetDefaults, SetExchange, SetLanguage
from bot.reply import Button, Paragraph, Reply, Title
from bot.views.tables import mode_name
from engine.models import Exchange

__all__ = ["defaults", "exchange", "help_", "language"]


async def exchange(ctx: Context, intent: SetExchange) -> Reply:
    tr = ctx.tr
    if intent.exchange is None:
        buttons = tuple(
            Button(e.value, f"/exchange {e.value}") for e in Exchange if e is not Exchange.CUSTOM
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


async def help_(ctx: Context, intent: Help) -> Reply:
    tr = ctx.tr
    if intent.topic:
        name = canonical_command(intent.topic)
        if name is None:
            raise ParseError("unknown_command", "help", name=intent.topic[:30], suggestion="")
        return Reply((Title("/" + name), Paragraph(tr(SUMMARY[name])), *usage_blocks(tr, name)))
    lines = [Paragraph(f"{USAGE[name][0]}\n  {tr(SUMMARY[name])}") for name in COMMANDS]
    intro = tr(
        "IsoCross computes liquidation prices the way your exchange does, in isolated "
        "and cross mode. Start with /balance, then /long or /short."
    )
    return Reply((Title(tr("Commands")), Paragraph(intro), *lines))
