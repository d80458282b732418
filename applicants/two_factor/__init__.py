"""Officials' second factor (两步验证): TOTP from an authenticator app, backup codes, admin reset.

Built on django-otp's devices: a TOTPDevice per official (the authenticator), a StaticDevice
holding the backup codes. `middleware.TwoFactorRequiredMiddleware` keeps an official whose
session passed only the password on these pages; docs/security.md says what is audited.
"""
