/** A small modal asking to confirm a destructive action (as Argo's UI does for stop, delete, ...). */
import type { ReactNode } from 'react';

export function Modal(props: { title: string; children: ReactNode; onClose: () => void; wide?: boolean }) {
  return (
    <div className="modal-back" onClick={props.onClose}>
      <div
        className={`modal${props.wide ? ' wide' : ''}`}
        role="dialog"
        aria-label={props.title}
        onClick={(e) => e.stopPropagation()}
      >
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

export function Confirm(props: { question: string; action: string; onYes: () => void; onNo: () => void }) {
  return (
    <Modal title="Are you sure?" onClose={props.onNo}>
      <p>{props.question}</p>
      <div className="buttons">
        <button onClick={props.onNo}>Cancel</button>
        <button className="danger" onClick={props.onYes}>
          {props.action}
        </button>
      </div>
    </Modal>
  );
}
