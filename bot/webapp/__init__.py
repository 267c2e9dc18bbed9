"""The Telegram Mini App: its page (`static/`), the `/api/*` JSON it reads, and the server.

May import engine, storage, bot.commands, bot.views, bot.parsing and bot.feeds; never
telegram (the webhook route is the adapter's, passed in by the composition root). Every
figure comes from the engine through the same helpers the chat uses; every word from the
same catalogs.
"""
