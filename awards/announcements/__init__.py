"""公示 (the public announcement): its working-day period, the public list, objections and
their resolution by the city.

`calendar` counts working days by the official holiday calendar; `services` opens, holds,
resumes and confirms a period and files and resolves objections; `selectors` reads the public
list and the city's open objections; `views` are the public pages (/gongshi/) and the city's
resolution page.
"""
