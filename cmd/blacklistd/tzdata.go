package main

// The association's node resolves the policy's publication schedule
// ("02:00 Asia/Shanghai") itself: embed the time zone database so that it
// does not depend on the host's.
import _ "time/tzdata"
