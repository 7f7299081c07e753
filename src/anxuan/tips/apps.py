from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "anxuan.tips"
    label = "tips"

    def ready(self) -> None:
        from anxuan.core import public, sweep
        from anxuan.tips import evidence

        # A reporter's address is kept nowhere: no audit row, only a salted rate-limit key.
        public.forget_addresses("tips.")
        # Sealed originals whose row never committed (a filing that failed after storing).
        sweep.register(evidence.SEALED_PREFIX, evidence.referenced_sealed)
