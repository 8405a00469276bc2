"""The 居民身份证 reader (SAM module over a serial line): frames as data (protocol), the card's
text (card), the serial conversation (reader). The photo is read off the card by the protocol
and dropped here: nothing returned by this package carries it."""
