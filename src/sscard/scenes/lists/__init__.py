"""Application lists (应用项目清单, SPEC YRD-2): which uses of the card each kind of scene may
ask for, by the delta's, the province's and each city's list in force."""
