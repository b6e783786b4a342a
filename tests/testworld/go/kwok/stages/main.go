// Command kwok-stages prints KWOK's default stages (node initialisation, heartbeat with leases,
// pod ready, complete and delete) as a YAML stream, the set kwokctl gives a kwok controller. The
// stages are embedded in KWOK's own Go packages; the launcher writes them into kwok's config.
package main

import (
	"fmt"

	nodefast "sigs.k8s.io/kwok/kustomize/stage/node/fast"
	nodelease "sigs.k8s.io/kwok/kustomize/stage/node/heartbeat-with-lease"
	podfast "sigs.k8s.io/kwok/kustomize/stage/pod/fast"
)

func main() {
	stages := []string{
		nodefast.DefaultNodeInit,
		nodelease.DefaultNodeHeartbeatWithLease,
		podfast.DefaultPodReady,
		podfast.DefaultPodComplete,
		podfast.DefaultPodDelete,
	}
	for _, stage := range stages {
		fmt.Println("---")
		fmt.Print(stage)
	}
}
