"""A simulator of the Yangtze River Delta's other card nodes (Shanghai 31, Zhejiang 33, Anhui
34) for sscard's exchange (SPEC YRD-1..3, docs/DELTA.md), over real HTTP, signed.

Each simulated province holds generated cards (no real person), answers sscard's questions
about them, takes the status changes sscard sends of the Jiangsu cards it follows, and, at its
control endpoints, asks sscard about a Jiangsu card as one of its scenes would.
"""
