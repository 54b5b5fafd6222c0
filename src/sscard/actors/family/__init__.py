"""Family binding (亲情服务, SPEC ECARD-4, ID-4; issue 13 item 1): a relative, with the relation's
proof checked at an outlet, acts in the online hall for a child under 16 or an elderly person."""
