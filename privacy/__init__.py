"""What the Rasa server does to protect the people who write to it.

Many users are undocumented, some are in danger: the tracker store forgets a person at once when
asked (`tracker_store`), old conversations are deleted on a schedule (`retention`), and the logs
never carry what people wrote (`logs`).
"""
