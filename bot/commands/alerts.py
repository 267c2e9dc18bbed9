"""/alerts and /digest: thresholds, on/off, snoozes, quiet hours and the daily digest."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.commands.command import Feature
from bot.commands.context import Context
from bot.i18n import N_, Translator
from bot.parsing import alerts as grammar
from bot.parsing.intents import Alerts, Digest
from bot.reply import Block, Button, Paragraph, Reply, Title
from engine.alerts import WEEKLY_DEFAULT_TIME
from storage.alerts import AlertSettings

__all__ = ["alerts", "commands", "digest", "percent_text"]


def percent_text(tr: Translator, fraction: Decimal) -> str:
    """70%, 8.5%: no more decimals than the setting has."""
    scaled = (fraction * 100).normalize()
    exponent = scaled.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return tr.percent(fraction, min(places, 2))


def _local(ctx: Context, moment: datetime, timezone: str | None = None) -> str:
    zone = ZoneInfo(timezone or ctx.user.timezone)
    local = moment.astimezone(zone)
    if local.date() == ctx.now.astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def _clock(at: time) -> str:
    return at.strftime("%H:%M")


commands = Feature()


@commands.command("alerts", grammar.alerts, aliases=("alert",)).help(
    (
        "/alerts [on|off|ratio WARN DANGER|distance WARN DANGER|distance auto|"
        "snooze SYMBOL|all TIME|"
        "quiet HH:MM-HH:MM [ZONE]|quiet off]",
        "/alerts ratio 60 80 · /alerts distance 8% 3% · /alerts snooze BTC 2h · "
        "/alerts quiet 23:00-07:00 Europe/Berlin",
    ),
    N_(
        "Liquidation alerts: show them, turn them on or off, set the margin-ratio and "
        "distance thresholds, snooze a symbol, or set quiet hours (warnings wait)."
    ),
)
async def alerts(ctx: Context, intent: Alerts) -> Reply:
    repository = ctx.services.alerts
    if intent.action in {"on", "off"}:
        await repository.update_settings(ctx.user.id, enabled=intent.action == "on")
    elif intent.action == "distance" and intent.warning is None:
        await repository.update_settings(ctx.user.id, fixed_distance=False)
    elif intent.action in {"ratio", "distance"}:
        fixed = {"fixed_distance": True} if intent.action == "distance" else {}
        await repository.update_settings(
            ctx.user.id,
            **{f"warn_{intent.action}": intent.warning, f"danger_{intent.action}": intent.danger},
            **fixed,
        )
    elif intent.action == "snooze":
        return await _snooze(ctx, intent)
    elif intent.action == "quiet":
        if intent.timezone is not None:
            await ctx.services.users.update(ctx.user.id, timezone=intent.timezone)
        await repository.update_settings(
            ctx.user.id, quiet_start=intent.start, quiet_end=intent.end
        )
    if intent.action != "show":
        await ctx.changed()
    return await _show(ctx, intent.timezone)


async def _snooze(ctx: Context, intent: Alerts) -> Reply:
    tr, symbol = ctx.tr, intent.symbol or "*"
    until = None if intent.duration is None else ctx.now + intent.duration
    await ctx.services.alerts.snooze(ctx.user.id, symbol, until)
    await ctx.changed()
    name = tr("every symbol") if symbol == "*" else symbol
    if until is None:
        return Reply.of(tr("Alerts for {name} are back on.", name=name))
    return Reply.of(
        tr(
            "Alerts for {name} snoozed until {time} ({zone}): warnings and danger wait; "
            "a liquidation alert still comes.",
            name=name,
            time=_local(ctx, until),
            zone=ctx.user.timezone,
        )
    )


async def _show(ctx: Context, timezone: str | None) -> Reply:
    tr = ctx.tr
    settings = await ctx.services.alerts.settings(ctx.user.id)
    zone = timezone or ctx.user.timezone
    blocks: list[Block] = [
        Title(tr("Liquidation alerts: on") if settings.enabled else tr("Liquidation alerts: off")),
        Paragraph(_thresholds(tr, settings)),
        Paragraph(_quiet(tr, settings, zone)),
    ]
    snoozed = (await ctx.services.alerts.snoozes(ctx.now, ctx.user.id)).get(ctx.user.id, {})
    if snoozed:
        items = ", ".join(
            tr("{name} until {time}", name=tr("all") if s == "*" else s, time=_local(ctx, u, zone))
            for s, u in sorted(snoozed.items())
        )
        blocks.append(Paragraph(tr("Snoozed: {items}.", items=items)))
    blocks.append(Paragraph(_digest_line(tr, settings, zone)))
    toggle = (
        Button(tr("Turn alerts off"), "/alerts off")
        if settings.enabled
        else Button(tr("Turn alerts on"), "/alerts on")
    )
    return Reply(tuple(blocks), buttons=((toggle,),))


def _thresholds(tr: Translator, settings: AlertSettings) -> str:
    if not settings.fixed_distance:
        return tr(
            "Warning at a {warn_ratio} margin ratio or once half of the position's distance "
            "to liquidation at opening (or its last change) is gone; danger at {danger_ratio} "
            "or three quarters gone; and once the mark passes the liquidation price. Fixed "
            "distances instead: /alerts distance 8% 3%.",
            warn_ratio=percent_text(tr, settings.warn_ratio),
            danger_ratio=percent_text(tr, settings.danger_ratio),
        )
    return (
        tr(
            "Warning at a {warn_ratio} margin ratio or within {warn_distance} of the liquidation "
            "price; danger at {danger_ratio} or within {danger_distance}; and once the mark "
            "passes the liquidation price.",
            warn_ratio=percent_text(tr, settings.warn_ratio),
            warn_distance=percent_text(tr, settings.warn_distance),
            danger_ratio=percent_text(tr, settings.danger_ratio),
            danger_distance=percent_text(tr, settings.danger_distance),
        )
        + " "
        + tr("Back to distances scaled to each position: /alerts distance auto.")
    )


def _quiet(tr: Translator, settings: AlertSettings, zone: str) -> str:
    if settings.quiet_start is None or settings.quiet_end is None:
        return tr("No quiet hours (set them with /alerts quiet 23:00-07:00).")
    return tr(
        "Quiet hours {start}–{end} ({zone}): warnings wait until they end; danger and "
        "liquidation alerts never wait.",
        start=_clock(settings.quiet_start),
        end=_clock(settings.quiet_end),
        zone=zone,
    )


def _digest_line(tr: Translator, settings: AlertSettings, zone: str) -> str:
    if settings.digest_time is None:
        line = tr("No daily digest (ask for one with /digest 09:00).")
    else:
        line = tr("Daily digest at {time} ({zone}).", time=_clock(settings.digest_time), zone=zone)
    if settings.weekly_review:
        line += " " + tr("Weekly review on Mondays.")
    return line


async def _weekly(ctx: Context, on: bool) -> Reply:
    """/digest weekly [off]: the Monday review, at the digest time (09:00 without one)."""
    tr = ctx.tr
    settings = await ctx.services.alerts.update_settings(ctx.user.id, weekly_review=on)
    if not on:
        return Reply.of(tr("No more weekly review."))
    at = settings.digest_time or WEEKLY_DEFAULT_TIME
    return Reply.of(
        tr(
            "Every Monday at {time} ({zone}) you get a weekly review: the margin mode advice "
            "for each portfolio and the week's closest call to liquidation.",
            time=_clock(at),
            zone=ctx.user.timezone,
        )
    )


@commands.command("digest", grammar.digest).help(
    ("/digest [HH:MM [ZONE]|off|weekly [off]]", "/digest 09:00 · /digest off · /digest weekly"),
    N_("A daily summary of your positions at the time you choose; off by default."),
)
async def digest(ctx: Context, intent: Digest) -> Reply:
    tr = ctx.tr
    if intent.action == "show":
        settings = await ctx.services.alerts.settings(ctx.user.id)
        return Reply.of(_digest_line(tr, settings, ctx.user.timezone))
    if intent.action in ("weekly", "weekly_off"):
        return await _weekly(ctx, intent.action == "weekly")
    if intent.timezone is not None:
        await ctx.services.users.update(ctx.user.id, timezone=intent.timezone)
    at = intent.at if intent.action == "set" else None
    settings = await ctx.services.alerts.update_settings(ctx.user.id, digest_time=at)
    if settings.digest_time is None:
        return Reply.of(tr("No more daily digest."))
    return Reply.of(
        tr(
            "Every day at {time} ({zone}) you get a digest of your positions and their risk.",
            time=_clock(settings.digest_time),
            zone=intent.timezone or ctx.user.timezone,
        )
    )
