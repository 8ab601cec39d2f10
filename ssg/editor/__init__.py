"""What the editor's commands do besides building: serve (the live preview), check, new (scaffold), deploy,
and the checks they share (readability, the fact register)."""
