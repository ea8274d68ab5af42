class _MPS:
    @staticmethod
    def is_available():
        return False


mps = _MPS()
