"""Anxuan (安宣): a platform for safety publicity and education campaigns."""
