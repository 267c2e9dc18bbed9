"""The Telegram adapter (python-telegram-bot): one feature per module, composed in bot/app.py.

Handlers stay thin: read the update, call the command layer, render, send.
"""
