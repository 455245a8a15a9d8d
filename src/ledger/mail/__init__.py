"""Delivery of the monthly report: the message, SMTP, .eml files and Outlook drafts."""
