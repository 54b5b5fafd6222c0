"""The online hall's cardholder side (issue 13, SPEC APP-4, APP-7, LOSS-2/3): what a signed-in
cardholder reads of their own record. Online application and real-name sign-in come next."""
