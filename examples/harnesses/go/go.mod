module example.com/smssandbox

go 1.18
