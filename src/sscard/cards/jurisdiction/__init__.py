"""The card-management city: a transfer inside Jiangsu in two steps (SPEC JUR-1..3)."""
