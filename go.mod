module github.com/airlock-dev/airlock

go 1.26.8

require (
	github.com/Code-Hex/go-infinity-channel v1.0.0 // indirect
	github.com/Code-Hex/vz/v3 v3.7.1 // indirect
	github.com/hashicorp/yamux v0.1.2 // indirect
	github.com/lmittmann/tint v1.2.1 // indirect
	github.com/ulikunitz/xz v0.5.17 // indirect
	golang.org/x/mod v0.22.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
