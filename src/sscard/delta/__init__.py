"""The Yangtze River Delta exchange (长三角一卡通, SPEC YRD-1..3): sscard as Jiangsu's node.

Other provinces' nodes ask sscard whether a Jiangsu card may be used at their scenes, and sscard
asks theirs for their cards shown at Jiangsu's; a Jiangsu card once asked about by a province is
followed there: its status changes reach that province's node through the outbox. The common
data standard the four nodes speak is written down in docs/DELTA.md.
"""
