"""IsoCross application shell: command layer, Telegram and console adapters, feeds, jobs."""
