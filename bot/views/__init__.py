"""What a reply looks like, for any transport: tables, advice texts, FAQ topics, charts.

May import engine, bot.reply, bot.i18n and bot.feeds' value types; never telegram, storage
or the command layer (views take results and return blocks, they fetch nothing).
"""
