"""The Telegram adapter (python-telegram-bot): handlers, inline mode, menus, jobs.

May import everything in bot; nothing imports it but bot/app.py. Handlers stay thin: read
the update, call the command layer, render, send.
"""
