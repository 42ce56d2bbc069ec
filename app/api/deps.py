"""Shared route dependencies as Annotated aliases: each route asks for what it uses."""

from typing import Annotated, cast

from fastapi import Depends, Request

from app.building_blocks.actor_methods import ActorMethodInvoker
from app.building_blocks.state import StateManager
from app.building_blocks.workflows import WorkflowEngine
from app.order_service import OrderService
from app.services import Services
from app.workflow_control import WorkflowControl


async def get_services(request: Request) -> Services:
    return cast(Services, request.app.state.services)


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_workflows(services: ServicesDep) -> WorkflowEngine:
    return services.workflows


async def get_state_manager(services: ServicesDep) -> StateManager:
    return services.state


WorkflowsDep = Annotated[WorkflowEngine, Depends(get_workflows)]
StateDep = Annotated[StateManager, Depends(get_state_manager)]


async def get_workflow_control(services: ServicesDep) -> WorkflowControl:
    return services.workflow_control


async def get_actor_methods(services: ServicesDep) -> ActorMethodInvoker:
    return services.actor_methods


WorkflowControlDep = Annotated[WorkflowControl, Depends(get_workflow_control)]
ActorMethodsDep = Annotated[ActorMethodInvoker, Depends(get_actor_methods)]


async def get_orders(services: ServicesDep) -> OrderService:
    return services.orders


OrdersDep = Annotated[OrderService, Depends(get_orders)]
