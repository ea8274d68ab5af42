__version__ = "@VERSION@"
cuda = @CUDA@
hip = None
