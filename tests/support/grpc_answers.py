"""A sidecar's gRPC error answer, as the aio SDK raises it (for translation tests)."""

import grpc


def sidecar_answer(code: grpc.StatusCode, details: str) -> grpc.RpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), details=details)
